"""stacking package."""
