; Highlight groups for HCL (Terraform) in the IaC editor, written for the tree-sitter-hcl grammar.
(comment) @comment
(string_lit) @string
(template_literal) @string
(heredoc_template) @string
(numeric_lit) @number
(bool_lit) @boolean
(null_lit) @constant.builtin
(block (identifier) @keyword)
(block (string_lit (template_literal) @type))
(attribute (identifier) @property)
(object_elem key: (expression (variable_expr (identifier) @property)))
(variable_expr (identifier) @variable)
(get_attr (identifier) @variable)
(function_call (identifier) @function)
(template_interpolation_start) @punctuation.special
(template_interpolation_end) @punctuation.special
["=" ":"] @operator
["{" "}" "[" "]" "(" ")"] @punctuation.bracket
