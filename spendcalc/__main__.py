"""``python -m spendcalc`` runs the command line."""

from spendcalc.cli import main

main()
