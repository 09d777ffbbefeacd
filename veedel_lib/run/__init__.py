"""Running the reports: papermill with warm kernels, parallel runs with failure isolation, the manifest,
archives (verify, reproduce) and the in-process floor for the benchmark."""
