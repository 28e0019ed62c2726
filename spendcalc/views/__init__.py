"""What people see: numbers in words, terminal tables, charts, the report."""
