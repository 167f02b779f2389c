"""Ingest: the documented data-folder format, validation, loading, the sample organisation and
the generator. Public entry points: `ingest.loader.load_folder`, `ingest.loader.ingest_folder`,
`ingest.sample.load_sample`, `ingest.generator.generate`."""
