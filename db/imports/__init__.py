"""Getting a site's data into the case store: org tree and grids, departments, people, devices, cases.

Every import is one transaction per file, keyed by codes (org units, departments, devices), usernames
and case numbers, so importing the same file twice changes nothing. Import from the submodules:
`grids.import_grids`, `setup_tables.import_setup`, `cases.import_cases` / `cases.import_case_rows`.
"""
