"""Parameters planners edit as YAML: run configuration, indicator catalogue, the 15 areas and the spatial
reference, each loaded into a checked model whose errors name file, line and key."""
