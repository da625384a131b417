"""The model shipped with padcheck (installed as ``padcheck.shipped_model``); see MODEL_CARD.md."""
