"""``python -m spendcalc`` runs the command line."""

from spendcalc.cli.app import main

main()
