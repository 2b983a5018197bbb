"""The peer: PostGraphile 5 on the same bench database, asked for the same objects and fields.

`install` puts it into a cache folder outside the repository, `documents` holds its version
of each operation it can express, `answers` holds its answer against ours before any load,
and `report` reads our cold figures against its figures and judges issue 15's targets.
"""
