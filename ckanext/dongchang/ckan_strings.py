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


# Found by the crawl of every page in both languages (tests/i18n/test_crawl.py, issue 17
# item 12): CKAN strings its zh_Hans_CN catalog lacks, on the sign-up, password, token, group,
# activity and history pages, and the search texts CKAN builds from the data-product type name.
FOUND_BY_THE_CRAWL = (
    N_("These fields have been removed."),
    N_("These fields have been removed, click update below to save your changes."),
    N_("Reorder resources"),
    N_("Email address"),
    N_("Not seeing the views you were expecting?"),
    N_("Click here for more information."),
    N_("Here are some reasons you may not be seeing expected views:"),
    N_("No view has been created that is suitable for this resource"),
    N_("The site administrators may not have enabled the relevant view plugins"),
    N_("If a view requires the DataStore, the DataStore plugin may not be enabled, or the "
       "data may not have been pushed to the DataStore, or the DataStore hasn't finished "
       "processing the data yet"),
    N_("Profile picture"),
    N_("Profile picture URL"),
    N_("Email or username"),
    N_("Username or Email"),
    N_("Request Reset"),
    N_("Enter your email address or username into the box and we will send you an email with "
       "a link to enter a new password."),
    N_("Create datasets, groups and other exciting things"),
    N_("Joe Bloggs"),
    N_("eg. Joe Bloggs"),
    N_("Data-Product"),
    N_("Data-Products"),
    N_("Reactivate User"),
    N_("This account is deactivated, if you want to reactivate it, please click on checkbox."),
    N_("Sysadmin password"),
    N_("Sysadmin Password"),
    N_("Reactivate Profile"),
    N_("This information is visible to you and admins"),
    N_("Last Active"),
    N_("active"),
    N_("pending"),
    N_("deleted"),
    N_("You will receive notification emails from {site_title}, e.g. when you have new "
       "activities on your dashboard."),
    N_("Token"),
    N_("Last access"),
    N_("Are you sure you want to revoke these tokens?"),
    N_("Revoke tokens"),
    N_("User isn't a member of any groups."),
    N_("User isn't a member of any organizations."),
    N_("User isn't a member of any {object_type}s."),
    N_("There are currently no groups for this site."),
    N_("There are currently no {object_type}s for this site."),
    N_("Search {object_type}s..."),
    N_("0 Members"),
    N_("Open details page for {name}"),
    N_("Activity from:"),
    N_("Search followee"),
    N_("All activity types"),
    N_("No activity found for this type"),
    N_("No activity found"),
    N_("Newer activities"),
    N_("Older activities"),
    N_("View this version"),
    N_("Activity occurred on: {time}"),
    N_("{actor} created the {dataset_type} {dataset}"),
    N_("{actor} updated the {dataset_type} {dataset}"),
    N_("{actor} deleted the {dataset_type} {dataset}"),
    N_("{actor} created resource view {view_link}"),
    N_("{actor} updated resource view {view_link}"),
    N_("{actor} deleted resource view \"{view_title}\" for resource {resource_link}"),
    N_("Show metadata diff"),
    N_("Hide metadata diff"),
    N_("Set visibility of {pkg_link} to {visibility}"),
    N_("No fields were updated. See the metadata diff for more details."),
    N_("Set author of {pkg_link} to {new_author} (previously {old_author})"),
    N_("Set author of {pkg_link} to {new_author}"),
    N_("Removed author from {pkg_link}"),
    N_("Moved {pkg_link} from organization {old_org_link} to organization {new_org_link}"),
    N_("Removed {pkg_link} from organization {old_org_link}"),
    N_("Added {pkg_link} to organization {new_org_link}"),
    N_("Set maintainer of {pkg_link} to {new_maintainer} (previously {old_maintainer})"),
    N_("Set maintainer of {pkg_link} to {new_maintainer}"),
    N_("Removed maintainer from {pkg_link}"),
    N_("Updated description of {pkg_link} from <br "
       "class=\"line-height2\"><blockquote>{old_notes}</blockquote> to <br "
       "class=\"line-height2\"><blockquote>{new_notes}</blockquote>"),
    N_("Updated description of {pkg_link} to <br "
       "class=\"line-height2\"><blockquote>{new_notes}</blockquote>"),
    N_("Removed description from {pkg_link}"),
    N_("Added resource {resource_link} to {pkg_link}"),
    N_("Added field <q>{key}</q> with value <q>{value}</q> to resource {resource_link} in "
       "{pkg_link}"),
    N_("Added field <q>{key}</q> to resource {resource_link} in {pkg_link}"),
    N_("Added the following fields to resource {resource_link} in {pkg_link}"),
    N_("{key} with value {value}"),
    N_("Removed field <q>{key}</q> from resource {resource_link} in {pkg_link}"),
    N_("Removed the following fields from resource {resource_link} in {pkg_link}"),
    N_("Changed value of field <q>{key}</q> of resource {resource_link} to <q>{new_val}</q> "
       "(previously <q>{old_val}</q>) in {pkg_link}"),
    N_("Changed value of field <q>{key}</q> to <q>{new_val}</q> in resource {resource_link} "
       "in {pkg_link}"),
    N_("Removed the value of field <q>{key}</q> in resource {resource_link} in {pkg_link}"),
    N_("Added field <q>{key}</q> with value <q>{value}</q> to {pkg_link}"),
    N_("Added field <q>{key}</q> to {pkg_link}"),
    N_("Added the following fields to {pkg_link}"),
    N_("Changed value of field <q>{key}</q> to <q>{new_val}</q> (previously <q>{old_val}</q>) "
       "in {pkg_link}"),
    N_("Changed value of field <q>{key}</q> to <q>{new_val}</q> in {pkg_link}"),
    N_("Removed field <q>{key}</q> from {pkg_link}"),
    N_("Removed the following fields from {pkg_link}"),
    N_("Changed the version of {pkg_link} to {new_version} (previously {old_version})"),
    N_("Removed the version from {pkg_link}"),
    N_("Changed the version of {pkg_link} to {new_version}"),
    N_("Changed title to {title_link} (previously {old_title})"),
    N_("Renamed resource {old_resource_link} to {new_resource_link} in {pkg_link}"),
    N_("Deleted resource {resource_link} from {pkg_link}"),
    N_("Updated description of resource {resource_link} in {pkg_link} to <br "
       "class=\"line-height2\"><blockquote>{new_desc}</blockquote>"),
    N_("Removed description from resource {resource_link} in {pkg_link}"),
    N_("Updated description of resource {resource_link} in {pkg_link} from <br "
       "class=\"line-height2\"><blockquote>{old_desc}</blockquote> to <br "
       "class=\"line-height2\"><blockquote>{new_desc}</blockquote>"),
    N_("Changed value of field <q>{key}</q> to <q>{value}</q> in {pkg_link}"),
    N_("Removed tag {tag_link} from {pkg_link}"),
    N_("Removed the following tags from {pkg_link}"),
    N_("Added tag {tag_link} to {pkg_link}"),
    N_("Added the following tags to {pkg_link}"),
    N_("Uploaded a new file to resource {resource_link} in {pkg_link}"),
    N_("Updated description of {group_link} from <br "
       "class=\"line-height2\"><blockquote>{old_description}</blockquote> to <br "
       "class=\"line-height2\"><blockquote>{new_description}</blockquote>"),
    N_("Updated description of {group_link} to <br "
       "class=\"line-height2\"><blockquote>{new_description}</blockquote>"),
    N_("Removed description from {group_link}"),
    N_("Updated description of {org_link} from <br "
       "class=\"line-height2\"><blockquote>{old_description}</blockquote> to <br "
       "class=\"line-height2\"><blockquote>{new_description}</blockquote>"),
    N_("Updated description of {org_link} to <br "
       "class=\"line-height2\"><blockquote>{new_description}</blockquote>"),
    N_("Removed description from {org_link}"),
    N_("No data-products found"),
    N_("No data-products found for \"{query}\""),
)


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular/plural pair for extraction (babel knows the name); CKAN translates
    it with its own ``ungettext`` at run time."""
    return singular, plural


PLURALS_FOUND_BY_THE_CRAWL = (
    ngettext("%(count)s dataset found.",
             "%(count)s datasets found."),
    ngettext("%(count)s dataset found for \"%(query)s\".",
             "%(count)s datasets found for \"%(query)s\"."),
    ngettext("{count} member",
             "{count} members"),
    ngettext("{num} Member", "{num} Members"),
    ngettext("{number} data-product found", "{number} data-products found"),
    ngettext("{number} data-product found for \"{query}\"",
             "{number} data-products found for \"{query}\""),
)
