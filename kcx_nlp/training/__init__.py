"""Training helpers: augmentation, corpus preparation, evaluation, device choice."""
