"""Pages and files about figures: media, quarantine decisions, annotations, uploads."""
