"""A workflow of its own (a ticket, in the test settings only) for core's state-machine tests."""
