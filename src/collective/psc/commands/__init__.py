"""The ``psc`` console command and its subcommands."""
