/* /* nested */ fn f() {
