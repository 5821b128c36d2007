// The large-listing test measures the managed heap; other tests running beside it would blur the figure.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
