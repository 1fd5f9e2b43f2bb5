-- expect: 3 attempt to index a nil value (global 'package')
-- package.loadlib loads C libraries
package.loadlib('libc.so.6', 'system')
