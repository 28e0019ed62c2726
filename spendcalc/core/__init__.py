"""The domain: models, the dataset, the pure-NumPy engine and its results."""
