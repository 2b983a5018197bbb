"""Work done after a request: the job engine, the worker, and the admin view of jobs."""
