# Project module of the corpus entry tagger_project_local_imports (written for the corpus).
DATA_DIR = 'data'
MODEL_DIR = 'checkpoints'
VOCAB_SIZE = 1500
EMBEDDING_DIM = 24
LSTM_HIDDEN_SIZE = 32
TAG_SIZE = 9
DROPOUT_RATE = 0.3
BATCH_SIZE = 32
EPOCHS = 15
