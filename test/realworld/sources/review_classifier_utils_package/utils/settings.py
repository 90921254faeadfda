# Project module of the corpus entry review_classifier_utils_package (written for the corpus).
import yaml


def load_settings(path):
    with open(path) as f:
        return yaml.safe_load(f)
