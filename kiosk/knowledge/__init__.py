"""Finding and stating what the store says: segmentation, query normalisation, retrieval, extractive answers."""
