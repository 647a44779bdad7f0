"""What editors author in Wagtail: modules, lessons, quizzes and question types."""
