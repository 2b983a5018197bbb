"""Writes in the API: each mutation's input and result union (`root` joins them into the root
Mutation), and `errors`, which maps domain errors to typed errors once for all of them."""
