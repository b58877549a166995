"""Pure data: reference tables the image pipeline applies."""
