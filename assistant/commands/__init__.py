"""Sub-commands of `footstretch`, one module each, found by `assistant.cli`."""
