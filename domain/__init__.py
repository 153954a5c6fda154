"""Domain services: plain functions over the database, one subpackage per capability."""
