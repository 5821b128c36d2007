// Writes static/index.html, the Jinja template jupyterlab_server renders for /lab, with the entry
// chunk's file names filled in, and static/package.json, where jupyterlab_server looks for app metadata.
export class IndexHtmlPlugin {
  constructor({ template, entry, packageJson }) {
    this.template = template;
    this.entry = entry;
    this.packageJson = packageJson;
  }

  apply(compiler) {
    const { RawSource } = compiler.webpack.sources;
    compiler.hooks.thisCompilation.tap('IndexHtmlPlugin', compilation => {
      compilation.hooks.processAssets.tap(
        { name: 'IndexHtmlPlugin', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_SUMMARIZE },
        () => {
          const fs = compiler.inputFileSystem;
          const template = fs.readFileSync(this.template).toString('utf8');
          const files = compilation.entrypoints.get(this.entry).getFiles().filter(f => f.endsWith('.js'));
          // The static prefix comes from page config at render time, so the same build works under any base URL.
          const tags = files
            .map(f => `<script defer src="{{ page_config['fullStaticUrl'] }}/${f}"></script>`)
            .join('\n  ');
          const marker = '<!-- rucio-lab:entry-scripts -->';
          if (!template.includes(marker)) throw new Error(`${this.template} lacks the marker ${marker}`);
          compilation.emitAsset('index.html', new RawSource(template.replace(marker, tags)));
          compilation.emitAsset('package.json', new RawSource(JSON.stringify(this.packageJson, null, 2) + '\n'));
        },
      );
    });
    // Watch mode rebuilds when the template changes.
    compiler.hooks.afterCompile.tap('IndexHtmlPlugin', compilation => compilation.fileDependencies.add(this.template));
  }
}
