"""Terminal tables (rich), Chinese by default: every table a command prints, one module per
command family and what they share in `base`."""
