/** users-service of the reference gateway. @module */
export type { UsersServiceOptions } from './app';
export { createUsersService } from './app';
export type { User, UserStore } from './store';
export { createMemoryUserStore } from './store';
