"""What is claimed: one subpackage per source document, one small module per claim."""
