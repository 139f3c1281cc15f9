"""The ticket domain: who may do what, the status machine, use cases, views and jobs."""
