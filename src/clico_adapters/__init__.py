"""Adapters that plug the world into ``clico_core``'s ports (memory, SQL, mail, hashing)."""
