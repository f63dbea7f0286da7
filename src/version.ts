/** The tool's name and version, as reports print them. Kept in step with package.json by a test. */
export const TOOL = { name: 'ecsguard', version: '0.1.0' } as const;
