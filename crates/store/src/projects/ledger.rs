//! The project ledger (重点项目台账) as a spreadsheet: the rows an import writes in one transaction, and the rows an
//! export reads. The headings and parsing live in the app's `ledger` module.
