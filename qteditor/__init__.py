"""qteditor: a desktop editor for Markdown Q&A entries with YAML front matter."""

__version__ = "0.1.0"
