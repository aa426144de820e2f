"""visualisations."""
