"""Demo content: a real relay page and the tools that turn it into data."""
