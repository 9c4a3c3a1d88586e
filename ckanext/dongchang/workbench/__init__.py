"""The workbench (工作台): each person's work, gathered from the other domains' actions."""
