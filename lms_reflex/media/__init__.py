"""Private media: storage keys, atomic writes, generated sample media. No reflex import."""
