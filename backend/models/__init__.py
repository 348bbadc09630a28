"""Model files: bundled defaults, header readers, conversion, downloads and the installed-model registry."""
