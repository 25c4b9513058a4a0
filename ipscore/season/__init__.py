"""The season as it is run by many hands: who may see what, each city's stages, working days and
deadlines, experts' scores and quotas."""
