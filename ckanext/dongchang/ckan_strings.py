"""CKAN's own page strings that its zh_Hans_CN catalog (CKAN 2.12.0) leaves untranslated.

The Chinese portal showed them in English ("Skip to main content", "Profile settings", the
Markdown hint under every text area, ...). CKAN merges every ``ITranslation`` catalog into its
own, so marking the msgids here puts them in our catalogs, where they get their Chinese text;
CKAN's pages stay as they are. Nothing reads this tuple at run time: it is here for extraction
(``i18n/update.sh``), and ``tests/i18n/test_pages.py`` checks some of them on real pages.
The msgids must stay byte-identical to CKAN's (they were copied from its catalog).
"""
from __future__ import annotations

from ckanext.dongchang.kernel.messages import N_

UNTRANSLATED_BY_CKAN = (
    # header, footer and every page's frame
    N_("Skip to main content"),
    N_("Breadcrumb"),
    N_("Toggle navigation"),
    N_("Navigate to Home - {site_title}"),
    N_("View dashboard"),
    N_("Profile settings"),
    N_("Account"),
    N_("News feed"),
    N_("Search Datasets..."),
    N_("Submit"),
    N_("Go"),
    N_("You might need to login to access this page."),
    N_("Click here to login"),
    # search and lists
    N_("Search datasets"),
    N_("Search datasets with the tag: {tag}"),
    N_("Search datasets with the tag: {name}"),
    N_("Search datasets by {name}: {label}"),
    N_("Filter by: {title}"),
    N_("Remove applied filter: {value}"),
    N_("close"),
    N_("Open details page for dataset - {title}"),
    N_("There is no description for this dataset."),
    N_("There is no description for this organization."),
    N_('<p id="search-error"><strong>There was an error while searching.</strong> Please try'
       ' again.</p>'),
    # dataset and resource pages
    N_("There are no groups associated with this dataset."),
    N_("Current resource: {name}"),
    N_("Resource URL: {url}"),
    N_("Dataset description:"),
    N_("Data last updated"),
    N_("Metadata last updated"),
    N_("Navigate to resource: {name}"),
    N_("Navigate to resource: {name_or_id}"),
    N_("Data"),
    N_("Fullscreen"),
    N_("Embed"),
    N_("Close modal"),
    # the dataset form
    N_('You can use <a href="#markdown" title="Markdown quick reference"'
       ' data-bs-toggle="popover" data-bs-content="%(markdown_tooltip)s" data-bs-html="true">'
       'Markdown formatting</a> here'),
    N_("No Organization"),
    N_("Publish"),
    N_("Unpublish"),
    N_("Before you can create a dataset you need to create an organization."),
    N_("Create a new organization"),
    N_("There are no organizations to which you can assign this dataset."),
    N_("Ask a system administrator to create an organization before you can continue."),
)
