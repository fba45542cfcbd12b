"""Files shipped with the package: the example config."""
