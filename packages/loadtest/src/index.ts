export * from './args';
export * from './histogram';
export * from './report';
export * from './run';
export * from './topology';
