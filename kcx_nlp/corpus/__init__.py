"""Corpus tooling: records in the guidelines' JSONL format, validation, conversion, splits.

Command line: ``python -m kcx_nlp.corpus {validate,stats,align,markup,split,docbin,doccano-import,doccano-export}``.
"""
from .dataset import load_corpus, save_corpus, to_records
from .convert import doc_to_record, docbin_to_docs, record_to_doc, records_to_docbin
from .doccano import doccano_to_record, record_to_doccano
from .markup import read_markup, to_markup
from .records import CorpusError, Record, check_files, iter_jsonl, read_records, record_problems, validate_record, write_records
from .split import train_dev_split
from .stats import alignment, corpus_stats, format_stats

__all__ = [
    "CorpusError", "Record", "alignment", "check_files", "corpus_stats", "doc_to_record", "docbin_to_docs",
    "doccano_to_record", "format_stats", "iter_jsonl", "load_corpus", "read_markup", "read_records", "record_problems",
    "record_to_doc", "record_to_doccano", "records_to_docbin", "save_corpus", "to_markup", "to_records", "train_dev_split",
    "validate_record", "write_records",
]
