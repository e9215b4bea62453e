// @ts-check
/** @type {import('prettier').Config} */
export default { singleQuote: true, trailingComma: 'all', printWidth: 100 };
