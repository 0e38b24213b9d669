"""Package metadata."""
__title__ = "kcx-nlp"
__version__ = "0.4.0"
