import './base.css';
import './kernel.css';
import './upload.css';
