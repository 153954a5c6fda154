"""Rules Q&A (规定问答): a knowledge base of documents split into numbered articles, searched with
Chinese word segmentation and BM25, answering with the article it rests on or saying plainly that
the base has no clear rule."""
