"""`python -m bench` (and `make bench`): the roster benchmark, 100,000 rows unless told otherwise."""

from bench.roster import main

main()
