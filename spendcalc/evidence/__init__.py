"""Claims, budget trade-offs and explanations, computed from results."""
