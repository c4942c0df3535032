"""Content staff keep current without a programmer: importing PDF, Word, web pages and text, metadata proposals,
versions with diffs and rollback, publishing into the store, passage and FAQ/service editing, and drafted
eligibility conditions. No Qt, no model library: an OCR reader for scanned pages is passed in."""
